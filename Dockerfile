# syntax=docker/dockerfile:1
# Build: docker build -t plexura .
# Run:   docker run -p 8080:8080 -v plexura-data:/app/data -v plexura-keys:/app/keys -e Plexura__Security__MasterKey=... plexura

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first so the layer is cached until a project file or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Plexura.Core/Plexura.Core.csproj Plexura.Core/
COPY Plexura.Infrastructure/Plexura.Infrastructure.csproj Plexura.Infrastructure/
COPY Plexura.Web/Plexura.Web.csproj Plexura.Web/
RUN dotnet restore Plexura.Web/Plexura.Web.csproj
COPY Plexura.Core/ Plexura.Core/
COPY Plexura.Infrastructure/ Plexura.Infrastructure/
COPY Plexura.Web/ Plexura.Web/
RUN dotnet publish Plexura.Web -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The default (Ubuntu) aspnet image carries ICU, which NFC normalization of entered names needs; do not switch to a
# variant without it (or add libicu) while InvariantGlobalization is false.
WORKDIR /app
# TLS ends at the proxy in front. Its X-Forwarded-For/Proto are believed only from the addresses named in
# Plexura__Network__TrustedProxies__0 (…__1, …): never from anyone, or any client could pick its own address.
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Plexura__Storage__Provider=Sqlite \
    Plexura__Storage__SqlitePath=/app/data/plexura.db \
    Plexura__Storage__KeyVaultPath=/app/keys/plexura-keys.db
COPY --from=build /app ./
# The data folders must exist and belong to the non-root user before the volumes are mounted over them. The key vault
# (session audio keys) has a volume of its own: it is backed up apart from the data, with short retention (README).
RUN mkdir -p /app/data /app/keys && chown $APP_UID /app/data /app/keys && chmod 700 /app/data /app/keys
USER $APP_UID
VOLUME ["/app/data", "/app/keys"]
EXPOSE 8080
# No curl in the image: the app itself probes /health/live and exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["dotnet", "Plexura.Web.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "Plexura.Web.dll"]
