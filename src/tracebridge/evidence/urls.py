from django.urls import path

from tracebridge.evidence import views

urlpatterns = [
    path("evidence/case/<str:reference>/upload/", views.upload, name="evidence-upload"),
    path("evidence/case/<str:reference>/package/", views.package, name="evidence-package"),
    path("evidence/case/<str:reference>/case-uco/", views.case_uco, name="evidence-case-uco"),
    path("evidence/case/<str:reference>/custody/", views.custody, name="evidence-custody"),
    path("evidence/item/<str:reference>/", views.item_detail, name="evidence-item"),
    path("evidence/item/<str:reference>/download/", views.download, name="evidence-download"),
    path("evidence/item/<str:reference>/consent/", views.consent, name="evidence-consent"),
]
