package build

var Mode = "debug"
