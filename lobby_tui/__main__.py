from lobby_tui.cli import main

main()
