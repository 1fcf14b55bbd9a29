package main

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed assets/hello.txt
var hello string

func main() {
	fmt.Println(strings.TrimSpace(hello))
}
