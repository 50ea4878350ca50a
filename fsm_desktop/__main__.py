from fsm_desktop.cli import main

raise SystemExit(main())
