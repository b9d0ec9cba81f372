// Tests for the Report target.
