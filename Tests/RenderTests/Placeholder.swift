// Tests for the Render target.
