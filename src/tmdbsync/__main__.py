from tmdbsync.cli import main

main()
