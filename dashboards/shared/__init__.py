"""What every page uses: words, numbers, the session's scenario, downloads, engine messages."""
