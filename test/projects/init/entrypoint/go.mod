module example.com/entrypoint

go 1.25
