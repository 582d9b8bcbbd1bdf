# Glabella's image: the web server (gunicorn) and the worker run from it with different commands
# (compose.yaml). Built and run where a registry is reachable; nothing here is needed otherwise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 GLABELLA_VAR_DIR=/srv/glabella/var
WORKDIR /srv/glabella

COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

COPY pyproject.toml README.md ./
COPY src src
RUN pip install --no-cache-dir --no-deps . \
    && python -m glabella.assistant.engine.model_files \
    && useradd --system --home /srv/glabella glabella \
    && mkdir -p var && chown glabella var

USER glabella
# Collected at start (compose runs it), since STATIC_ROOT lives under the writable var/.
EXPOSE 8000
CMD ["gunicorn", "-c", "python:glabella.config.gunicorn", "glabella.config.wsgi"]
