# Multi-stage: build a wheel (seeds and migrations travel inside it) with the engine's hot modules compiled
# by mypyc (setup.py), then install it in a slim runtime image that runs as a non-root user with its data
# directory on a volume. The compiler stays in the build stage.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY digests ./digests
COPY bot ./bot
COPY adapters ./adapters
COPY seeds ./seeds
COPY bench ./bench
# mypyc type-checks the modules against the installed dependencies, so they go in first.
RUN python -m pip install --no-cache-dir --upgrade pip setuptools wheel mypy \
 && python -m pip install --no-cache-dir . \
 && NEWSBOT_COMPILE=1 python -m pip wheel --no-cache-dir --no-build-isolation --no-deps --wheel-dir /wheels . \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels /wheels/newsbot-*.whl

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 newsbot && mkdir /data && chown newsbot /data
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --no-index --find-links /wheels newsbot && rm -rf /wheels
USER newsbot
ENV NEWSBOT_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["newsbot"]
CMD ["run"]
