# syntax=docker/dockerfile:1
# Build: docker build -t animeprogress .
# Run:   docker run -p 8080:8080 -v animeprogress-data:/data animeprogress
#        (add -e AnimeProgress__ComfyUi__Instances__0__Name=gpu-1 -e AnimeProgress__ComfyUi__Instances__0__BaseUrl=http://comfy:8188
#         to watch a real ComfyUI; without instances it runs the built-in demo)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the package layer is cached across code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY AnimeProgress.Core/AnimeProgress.Core.csproj AnimeProgress.Core/
COPY AnimeProgress.ComfyUiEmulator/AnimeProgress.ComfyUiEmulator.csproj AnimeProgress.ComfyUiEmulator/
COPY AnimeProgress.Web/AnimeProgress.Web.csproj AnimeProgress.Web/
RUN dotnet restore AnimeProgress.Web/AnimeProgress.Web.csproj
COPY AnimeProgress.Core/ AnimeProgress.Core/
COPY AnimeProgress.ComfyUiEmulator/ AnimeProgress.ComfyUiEmulator/
COPY AnimeProgress.Web/ AnimeProgress.Web/
RUN dotnet publish AnimeProgress.Web/AnimeProgress.Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    AnimeProgress__Database__DataDirectory=/data
# The embedded SQLite file lives on a volume owned by the image's non-root "app" user.
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["dotnet", "AnimeProgress.Web.dll", "healthcheck", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "AnimeProgress.Web.dll"]
