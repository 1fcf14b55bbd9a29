package lib

func Message() string { return "replace ok" }
