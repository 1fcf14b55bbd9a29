package greet

func Hello(name string) string { return "Hello, " + name + "!" }
