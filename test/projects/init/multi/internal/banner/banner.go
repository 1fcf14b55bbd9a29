package banner

func For(name string) string { return "multi: " + name }
