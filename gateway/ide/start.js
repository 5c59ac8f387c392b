// Renders GraphiQL with what the gateway put in the page: the endpoint, a first query, the headers.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("omnigate-ide-config").textContent);
  const fetcher = GraphiQL.createFetcher({ url: config.endpoint });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.query,
      defaultHeaders: config.headers,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: "headers",
    }),
  );
})();
