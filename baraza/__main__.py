from baraza.cli import main

main()
