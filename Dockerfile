# Multi-stage: build a wheel (seeds and migrations travel inside it), then install it in a slim runtime
# image that runs as a non-root user with its data directory on a volume.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY digests ./digests
COPY bot ./bot
COPY adapters ./adapters
COPY seeds ./seeds
COPY bench ./bench
RUN python -m pip install --no-cache-dir --upgrade pip build \
 && python -m build --wheel --outdir /wheels . \
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
