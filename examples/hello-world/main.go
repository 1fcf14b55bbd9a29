package main

import (
	"fmt"

	"example.com/hello/greeting"
)

func main() {
	fmt.Println(greeting.Hello("world"))
}
