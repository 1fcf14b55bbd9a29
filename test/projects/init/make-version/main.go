package main

import (
	"fmt"
	"os"
	"strings"
)

var (
	version = "dev"
	commit  = "none"
	runtime = "host"
)

// feature is set by a file that only the featureflag build tag compiles.
var feature = "off"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Printf("makeversion %s (commit %s, feature %s, runtime %s)\n", strings.TrimSpace(version), commit, feature, runtime)
		return
	}
	fmt.Println("makeversion", strings.Join(os.Args[1:], " "))
}
