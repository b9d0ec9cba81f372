// Tests for the Analysis target.
