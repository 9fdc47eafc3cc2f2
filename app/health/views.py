"""Health check for load balancers and monitoring: is the database reachable?"""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

bp = Blueprint("health", __name__)
logger = logging.getLogger(__name__)


@bp.get("/health")
def check():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.exception("health check failed: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
