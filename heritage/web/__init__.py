"""The web application: Starlette app factory, routes and lifespan."""
