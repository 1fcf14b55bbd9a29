package main

import (
	_ "embed"
	"fmt"
	"os"
	"strings"
)

// version is set from the contents of the VERSION file (the shape of opencontainers/runc v1.4.3).
//
//go:embed VERSION
var version string

var gitCommit = ""

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println("embedversion version", strings.TrimSpace(version))
		if gitCommit != "" {
			fmt.Println("commit:", gitCommit)
		}
		return
	}
}
