package main

import (
	"fmt"

	"example.com/benchapp/internal/msg"
	"example.com/greet"
)

func main() {
	fmt.Println(greet.Hello(msg.Name()))
}
