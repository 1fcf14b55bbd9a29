package main

import (
	"fmt"

	"example.com/makeapp/internal/greeting"
)

var version = "dev"

func main() {
	fmt.Println(greeting.For("make"), version)
}
