package main

import (
	"fmt"

	"example.com/grapp/internal/build"
)

var version = "dev"

func main() { fmt.Println("grapp", version, build.Mode) }
