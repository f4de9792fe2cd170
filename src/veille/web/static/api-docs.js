// Starts Swagger UI on /docs (an external file: the Content-Security-Policy forbids inline scripts).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    deepLinking: true,
    validatorUrl: null, // the default badge asks validator.swagger.io: nothing leaves the machine
  });
})();
