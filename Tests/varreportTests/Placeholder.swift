// Tests for the varreport target.
