# ftpsdiag in a container: the static binary on distroless/static, which
# holds the CA bundle (/etc/ssl/certs), time zones and a nonroot user, and
# nothing else. The default command is the Prometheus exporter:
#
#   docker build -t ftpsdiag .
#   docker run --rm -p 127.0.0.1:9399:9399 \
#     -v "$PWD/modules.yml:/etc/ftpsdiag/modules.yml:ro" \
#     ftpsdiag serve --listen :9399 --config /etc/ftpsdiag/modules.yml
#   docker run --rm ftpsdiag ftp.example.com      # a diagnosis instead
#   docker kill -s HUP CONTAINER                  # reload the modules

FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.1.0-dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/ftpsdiag .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ftpsdiag /usr/local/bin/ftpsdiag
USER nonroot:nonroot
EXPOSE 9399
ENTRYPOINT ["/usr/local/bin/ftpsdiag"]
# Inside the container the exporter must listen beyond loopback; publish
# the port only where Prometheus can reach it, or use --allow-hosts.
CMD ["serve", "--listen", ":9399"]
