# A typical Dockerfile for kubernetes/git-sync (vendored, pure Go), written the way most projects do:
# warmbuild bench compares it with warmbuild's fix of it. Not git-sync's own Dockerfile.
FROM golang:1.25-trixie AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /git-sync .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /git-sync /git-sync
ENTRYPOINT ["/git-sync"]
