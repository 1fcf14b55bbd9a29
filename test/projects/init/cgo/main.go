package main

/*
static int answer(int a, int b) { return a * b; }
*/
import "C"

import "fmt"

func main() {
	fmt.Println("cgo", int(C.answer(6, 7)))
}
