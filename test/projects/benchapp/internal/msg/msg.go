package msg

func Name() string { return "bench" }
