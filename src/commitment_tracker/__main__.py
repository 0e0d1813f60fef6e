from commitment_tracker.cli import main

main()
