from finchat.cli import app

app()
