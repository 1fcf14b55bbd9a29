# A multi-platform Dockerfile for one plugin of containernetworking/plugins v1.9.1 (vendored, pure Go),
# written the way affected projects wrote theirs: GOOS/GOARCH from TARGETOS/TARGETARCH, but the builder
# stage has no --platform=$BUILDPLATFORM, so an arm64 build on an amd64 host runs Go under emulation.
FROM golang:1.25-trixie AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /static ./plugins/ipam/static

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /static /static
ENTRYPOINT ["/static"]
