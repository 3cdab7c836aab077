from lobby_tui.start import main

main()
