# Build the same static binary that CI tests (.ci/run builds it the same way).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/groundwork ./cmd/groundwork

FROM alpine:3.22
RUN addgroup -S groundwork && adduser -S -G groundwork -h /data groundwork \
    && mkdir -p /data && chown groundwork:groundwork /data
COPY --from=build /out/groundwork /usr/local/bin/groundwork
USER groundwork
WORKDIR /data
ENV GROUNDWORK_ADDRESS=:8080 \
    GROUNDWORK_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["groundwork"]
CMD ["serve"]
