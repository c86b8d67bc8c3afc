# Daemun in a container: a build stage with the Rust toolchain, and a small runtime stage that
# holds only the binary (templates, translations and styles are compiled in).
#
#   docker build -t daemun .
#   docker run -p 8080:8080 -v daemun-data:/var/lib/daemun \
#     -e DAEMUN_SERVER__ISSUER=https://id.example.com -e DAEMUN_SERVER__ENVIRONMENT=production \
#     -e DAEMUN_KEYS__ENCRYPTION_KEY=... -e DAEMUN_DATABASE__URL=postgres://... daemun
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p daemun

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/daemun --create-home --shell /usr/sbin/nologin daemun
COPY --from=build /src/target/release/daemun /usr/local/bin/daemun
USER daemun
WORKDIR /var/lib/daemun
# The working directory holds the SQLite database (data/) and, in development only, the
# generated key-encryption key (keys/). In production set DAEMUN_KEYS__ENCRYPTION_KEY.
VOLUME ["/var/lib/daemun"]
# /metrics has a listener of its own: publish 9464 to the monitoring network only.
ENV DAEMUN_SERVER__BIND=0.0.0.0:8080 \
    DAEMUN_SERVER__METRICS_BIND=0.0.0.0:9464 \
    DAEMUN_SERVER__LOG_FORMAT=json
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
# SIGTERM stops accepting connections and drains requests in flight (server.drain_secs).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/daemun"]
CMD ["serve"]
