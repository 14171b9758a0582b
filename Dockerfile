# Production image: gunicorn serves the site, the same image runs the Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; DejaVu fonts are the ones the PDF documents are laid out with.
# `manage.py backup` and `restore` run the PostgreSQL client (pg_dump, pg_restore, psql) of the server's
# major version (docker-compose.yml's postgres:16; Debian bookworm ships 15, which refuses to dump a 16
# server), from the PostgreSQL project's repository: keep POSTGRES_MAJOR and the db image in step.
ARG POSTGRES_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core gettext curl ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-${POSTGRES_MAJOR} \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
# Build-time values for collectstatic alone (it sends no task): the containers get the real ones.
RUN DEBUG=false SECRET_KEY=collectstatic-only CELERY_TASK_ALWAYS_EAGER=true python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 --home /app pcl \
    && mkdir -p /app/media /app/backups && chown pcl /app/media /app/backups

USER pcl
EXPOSE 8000
# gunicorn reads its number of workers from WEB_CONCURRENCY, and so does the system check that
# warns when several web processes would not share the sign-in counts (REDIS_URL unset).
ENV WEB_CONCURRENCY=3
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/health/ || exit 1
CMD ["gunicorn", "pcl.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
