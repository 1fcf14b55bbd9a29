package lib

func Message() string { return "workspace ok" }
