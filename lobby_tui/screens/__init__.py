"""One module per place of the lobby."""
