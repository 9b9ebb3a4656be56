"""python -m crm_core.sample OUT_DIR: regenerate the demo files."""

from crm_core.sample.generator import main

if __name__ == "__main__":
    main()
