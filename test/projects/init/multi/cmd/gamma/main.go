package main

import (
	"fmt"

	"example.com/multi/internal/banner"
)

func main() {
	fmt.Println(banner.For("gamma"))
}
