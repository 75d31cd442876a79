from django.urls import path

from tracebridge.assistance import views

urlpatterns = [
    path("requests/", views.queue, name="request-queue"),
    path("requests/new/", views.new, name="request-new"),
    path("requests/<str:reference>/", views.detail, name="request-detail"),
    path("requests/<str:reference>/letter/", views.letter_pdf, name="request-letter"),
    path("requests/<str:reference>/step/", views.step, name="request-step"),
    path("requests/<str:reference>/answer/", views.answer_page, name="request-answer"),
]
