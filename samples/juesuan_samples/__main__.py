"""python -m juesuan_samples --out DIR [--units N] [--years Y …] [--seed S] [--plant-errors N]
[--no-budgets] [--plant-budget-mismatches N]"""

from juesuan_samples.cli import main

if __name__ == "__main__":
    main(prog_name="python -m juesuan_samples")
