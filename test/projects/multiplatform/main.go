package main

import (
	"fmt"
	"runtime"
)

func main() { fmt.Printf("multiplatform %s/%s\n", runtime.GOOS, runtime.GOARCH) }
