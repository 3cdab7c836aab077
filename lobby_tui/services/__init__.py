"""Use cases the screens and the command line call. Each validates, writes its rows and its
events in one transaction, and never imports Textual."""
