package main

import (
	"fmt"
	"os"
	"strings"
)

var (
	Version   = "DEV"
	BuildTime = "unknown"
)

// Runtime is "virtual" in the project's container image (the shape of cloudflared's metrics.Runtime).
var Runtime = "host"

func main() {
	fmt.Printf("entry %s built %s runtime=%s args=%s\n", Version, BuildTime, Runtime, strings.Join(os.Args[1:], " "))
}
