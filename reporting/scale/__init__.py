"""A national-scale database for the performance benchmarks (`manage.py load_scale`, `bench_pages`,
`bench_load`): every French commune under its EPCI, twenty years of observatory values for all of them,
a few hundred 60-action plans, and the people who read them, with predictable emails and one password.

Only for a database of its own (DATABASE_URL=.../pcl_scale): never a real deployment's."""

# Every account load_scale creates has an email at this domain: advisor-001@bench.example...
DOMAIN = "bench.example"
DEFAULT_PASSWORD = "bench-password"


def bench_email(role: str, number: int) -> str:
    return f"{role}-{number:03d}@{DOMAIN}"
