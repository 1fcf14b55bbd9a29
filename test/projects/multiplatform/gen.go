//go:build ignore

// A generator beside the main package, as many projects keep one: bench must not pick it as the edit.
package main

func main() {}
