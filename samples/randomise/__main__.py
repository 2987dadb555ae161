from samples.randomise.generate import main

raise SystemExit(main())
