# A multi-platform Dockerfile for kubernetes/git-sync (vendored, pure Go), written the way affected projects
# wrote theirs: GOOS/GOARCH from TARGETOS/TARGETARCH, but the builder stage has no --platform=$BUILDPLATFORM,
# so `docker buildx build --platform linux/arm64` on an amd64 machine runs the Go compiler under emulation.
# warmbuild bench --platform compares it with warmbuild's fix of it. Not git-sync's own Dockerfile.
FROM golang:1.25-trixie AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /git-sync .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /git-sync /git-sync
ENTRYPOINT ["/git-sync"]
