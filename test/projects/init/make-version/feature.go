//go:build featureflag

package main

func init() { feature = "on" }
